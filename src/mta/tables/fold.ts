/**
 * Postfix folds lookup keys to lower case for indexed and inline tables
 * (the dictionary's DICT_FLAG_FOLD_FIX, turned off by `postmap -f`); with
 * SMTPUTF8 (smtputf8_enable, on from compatibility_level 1) the folding is
 * Unicode-aware, as toLowerCase() is.
 */
export function foldKey(key: string, fold: boolean): string {
  return fold ? key.toLowerCase() : key;
}
