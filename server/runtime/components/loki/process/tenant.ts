// stage.tenant (Alloy's stages/tenant.go): sets the reserved __tenant_id__ label, which loki.write sends as
// the X-Scope-OrgID of the entry, from an extracted value, a label, or a fixed value.

import { attr } from '../../decode.js';
import { tryString } from './go-values.js';
import { type StageDefinition, StageConfigError } from './stage.js';

export const TENANT_ID_LABEL = '__tenant_id__';

export const tenantStage: StageDefinition = {
    name: 'tenant',
    attributes: [attr('label', 'string'), attr('source', 'string'), attr('value', 'string')],
    build(args) {
        const label = args.string('label', '');
        const source = args.string('source', '');
        const value = args.string('value', '');
        if (source === '' && value === '' && label === '') throw new StageConfigError('label, source or value config are required');
        if ((source !== '' && value !== '') || (label !== '' && value !== '') || (source !== '' && label !== '')) {
            throw new StageConfigError('label, source and value are mutually exclusive: you should set source, value or label but not all');
        }
        return {
            run(e, next) {
                let tenant: string | undefined;
                if (source !== '') tenant = e.extracted.has(source) ? tryString(e.extracted.get(source)) : undefined;
                else if (label !== '') tenant = e.labels.get(label);
                else tenant = value;
                if (tenant !== undefined && tenant !== '') e.labels.set(TENANT_ID_LABEL, tenant);
                next(e);
            },
        };
    },
};
