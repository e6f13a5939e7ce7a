import * as z from 'zod'

/**
 * zod compiles a parser of its own (`new Function`) the first time each object schema parses. A CLI run parses
 * a handful of answers, each with another schema, so compiling cost more than it saved (about 10 ms of a small
 * upload's CPU). zod reads this as each schema is made: it is imported before anything that makes one.
 */
z.config({ jitless: true })
