import { alertDescriptionName } from '../registry/alert.js';
import { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** A decoded alert message (RFC 8446 §6): the description may be one we do not know. */
export interface AlertMessage {
  level: number;
  description: number;
}

export function encodeAlert(alert: AlertMessage, w: Writer): void {
  w.u8(
    alert.level,
    () =>
      `level: ${alert.level === 1 ? 'warning' : alert.level === 2 ? 'fatal' : 'unknown'} (${alert.level})`,
  );
  w.u8(
    alert.description,
    () => `description: ${alertDescriptionName(alert.description)} (${alert.description})`,
  );
}

/** Decodes the 2-byte body of an alert record; anything but exactly two bytes is decode_error. */
export function decodeAlert(fragment: Uint8Array): AlertMessage {
  const r = new Reader(fragment);
  const level = r.u8();
  const description = r.u8();
  r.expectEnd();
  return { level, description };
}
