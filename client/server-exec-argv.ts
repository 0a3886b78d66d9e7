// Node flags of the language server process.
//
// Each edit re-parses and re-analyzes its configuration, so the server allocates
// a lot of short-lived memory; heap snapshots after a full GC show nothing
// retained across 2,000 edits (the heap stays at 16 MB). What grew was V8's
// young generation, which doubles to 2 × 16 MB under that churn and never gives
// the memory back. Capping a semi-space at 8 MB keeps the young generation at the
// size it starts with (`npm run bench memory` measures both).
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=8'];
