/** An entropy source (device, EGD socket, file, exchange file) could not deliver. */
export class EntropySourceError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`entropy source ${source}: ${reason}`);
    this.name = 'EntropySourceError';
  }
}
