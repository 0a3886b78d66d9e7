// Node 20 lacks Object.groupBy / Map.groupBy, which the chevrotain that langium@4.4
// pulls in calls while it checks a grammar. VS Code's extension host (Node 22+) has
// them; the CLI, the tests and langium-cli on this machine's Node 20 need this shim.
'use strict';
if (typeof Object.groupBy !== 'function') {
  Object.groupBy = function groupBy(items, keyOf) {
    const groups = Object.create(null);
    let index = 0;
    for (const item of items) {
      const key = keyOf(item, index++);
      (groups[key] ??= []).push(item);
    }
    return groups;
  };
}
if (typeof Map.groupBy !== 'function') {
  Map.groupBy = function groupBy(items, keyOf) {
    const groups = new Map();
    let index = 0;
    for (const item of items) {
      const key = keyOf(item, index++);
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(item);
    }
    return groups;
  };
}
