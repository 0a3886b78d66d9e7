// Schemas of the test components Alloy's runtime tests register
// (internal/runtime/internal/testcomponents), so the runtime corpus can be
// checked with the same components it was written for.

import type { AttributeSchema, ComponentSchema } from '../../language/catalog/schema.js';

const attr = (name: string, type: string, required = false): AttributeSchema => ({ name, type, required });

function component(name: string, attributes: AttributeSchema[], exports: string[], extra: Partial<ComponentSchema> = {}): ComponentSchema {
    return {
        name,
        kind: 'component',
        stability: 'generally-available',
        label: 'required',
        docs: '',
        attributes,
        blocks: [],
        exports: exports.map((e) => ({ name: e, type: 'any' })),
        ...extra,
    };
}

export const TEST_COMPONENTS: ComponentSchema[] = [
    component('testcomponents.count', [attr('frequency', 'duration', true), attr('max', 'int', true)], ['count']),
    component('testcomponents.passthrough', [attr('input', 'any', true), attr('lag', 'duration')], ['output']),
    component('testcomponents.summation', [attr('input', 'int', true)], ['sum', 'last_added']),
    component('testcomponents.summation_receiver', [], ['receiver', 'sum']),
    component('testcomponents.pulse', [attr('frequency', 'duration', true), attr('max', 'int', true), attr('forward_to', 'list(any)')], []),
    component('testcomponents.targets', [attr('targets', 'list(map(string))')], ['output']),
    component('testcomponents.experimental', [], [], { stability: 'experimental' }),
    component('testcomponents.community', [], [], { community: true }),
];
