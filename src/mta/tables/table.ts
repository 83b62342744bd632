// A Postfix lookup table (lookup_table_overview(5)): one interface for every
// type, so the code that uses a table never knows whether it is hash:, cidr:,
// regexp:, sqlite: or inline:.

/** The answer of one lookup: the value, or undefined when the key is absent. */
export type LookupResult = string | undefined;

export interface Table {
  /** The `type:name` this table was opened from, as written in the configuration. */
  readonly spec: string;
  /**
   * True for the pattern tables (regexp:, pcre:, cidr:; Postfix's
   * DICT_FLAG_PATTERN): they are queried with the whole string only, never
   * with the partial keys of the search orders (search.ts).
   */
  readonly pattern?: boolean;
  /**
   * Looks up one key exactly as given (after the table type's own key folding:
   * Postfix folds keys to lower case for most types unless told otherwise).
   * Partial-key search orders (domain then parent domains, user+ext@domain then
   * user@domain then @domain) are built on top of this by the callers' helpers.
   */
  lookup(key: string): LookupResult;
  /**
   * Every entry, for `postmap -s`; absent for the types that cannot list
   * their content (Postfix: "sequence operation is not supported").
   */
  entries?(): Iterable<[string, string]>;
  /** Releases the file or database behind the table. */
  close(): void;
}
