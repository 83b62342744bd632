import { sourceEntries } from '../mta/tables/source-entries.js';
import type { Command } from './command.js';
import { runTableTool } from './table-tool.js';

const USAGE = `usage: postern postmap [-fFiNnrsw] [-c DIR] [-d KEY] [-q KEY] [type:]file...

Builds, queries and lists Postfix lookup tables (postmap(1)). A bare file
name has the type of default_database_type (hash, or its value in
DIR/main.cf with -c DIR). hash:, btree: and lmdb:
tables are built from FILE into FILE.db (FILE.lmdb for lmdb:), an SQLite
database postern reads; the new database is written next to the old one,
synced and renamed over it, so running servers see the old or the new table,
never a half-written one. Other types (texthash:, cidr:, regexp:, pcre:,
sqlite:, inline:, static:) are read from their source and only queried.

  -q KEY  print the value of KEY from the first table that has it (exit 1 if
          none); -q - reads keys from stdin, one a line, and prints
          "key<TAB>value" for each key found
  -d KEY  delete KEY (-d -: keys from stdin); exit 1 if no key was found
  -s      print every entry as "key<TAB>value" (database types, texthash:, inline:)
  -i      incremental: add the entries read from stdin to the database
  -f      do not fold keys to lower case (building and querying)
  -F      building: each value is a list of files (commas and/or white space
          between names) whose contents, joined with a newline, are stored
          base64-encoded (tls_server_sni_maps); querying and listing: values
          are printed base64-decoded
  -r      a duplicate key replaces the earlier entry (default: keep the first, warn)
  -w      keep the first of duplicate keys without a warning
  -N, -n  accepted for compatibility: they choose whether Postfix stores a
          terminating null byte with each key and value; postern's database
          stores strings with their length, so there is no such byte`;

export const postmapCommand: Command = {
  name: 'postmap',
  summary: 'build and query lookup tables (like Postfix postmap)',
  usage: USAGE,
  run: (args, io) =>
    runTableTool(
      {
        program: 'postmap',
        entries: (text, file, fold, warn) => sourceEntries(text, file, fold, warn),
        format: (key, value) => `${key}\t${value}`,
        fileValues: true,
      },
      args,
      io,
    ),
};
