/** Counts requests in a sliding window (Apple's X-Rate-Limit counts the last hour), on the sandbox's clock. */
export class RequestWindow {
  private readonly times: number[] = []

  constructor(private readonly windowMs: number) {}

  add(at: number): void {
    this.times.push(at)
  }

  count(at: number): number {
    let first = 0
    while (first < this.times.length && (this.times[first] ?? 0) <= at - this.windowMs) first++
    if (first > 0) this.times.splice(0, first)
    return this.times.length
  }
}
