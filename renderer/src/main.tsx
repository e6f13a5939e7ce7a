import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import 'react-day-picker/style.css'
import './styles/app.css'
import { whenApiReady } from './api'
import { App } from './app'

const container = document.getElementById('root')
if (!container) throw new Error('index.html has no #root')
const root = createRoot(container)

void whenApiReady().then(() => {
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  )
})
