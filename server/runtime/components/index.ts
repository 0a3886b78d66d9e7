// The built-in components of flowlens' embedded runtime, one file each.

import type { ComponentDefinition } from '../component.js';

export const BUILTIN_COMPONENTS: readonly ComponentDefinition[] = [];
