// The lookup tables' public surface for the rest of src/mta and src/cli.
export type { LookupResult, Table } from './table.js';
export { TableError, type TableErrorReason, type WarningSink } from './errors.js';
export { openTable, splitSpec, SUPPORTED_TYPES, type OpenOptions } from './open.js';
export {
  addressKeys,
  clientAddressKeys,
  domainKeys,
  lookupAddress,
  lookupClientAddress,
  lookupDomain,
  mailAddrFindKeys,
  type AddressSearchOptions,
  type DomainSearchOptions,
  type Found,
} from './search.js';
