// Langium's chevrotain calls Object.groupBy, which Node 20 lacks.
import '../language/groupby-polyfill.cjs';
