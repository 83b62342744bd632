// Per-destination concurrency (default_destination_concurrency_limit,
// postconf(5)): at most N deliveries at once to one transport and next hop.
export class DestinationLimiter {
  private readonly active = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(private readonly limit: number) {}

  async acquire(destination: string): Promise<() => void> {
    while ((this.active.get(destination) ?? 0) >= this.limit) {
      await new Promise<void>((resolve) => {
        const list = this.waiting.get(destination) ?? [];
        list.push(resolve);
        this.waiting.set(destination, list);
      });
    }
    this.active.set(destination, (this.active.get(destination) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.active.get(destination) ?? 1) - 1;
      if (n === 0) this.active.delete(destination);
      else this.active.set(destination, n);
      this.waiting.get(destination)?.shift()?.();
    };
  }
}
