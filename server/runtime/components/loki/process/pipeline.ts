// Building loki.process' stage pipeline from its `stage.*` blocks (Alloy's stages/pipeline.go), in source
// order. A stage flowlens does not implement is refused by name, never skipped.

import type { ArgumentBody, ArgumentSchemaEntry } from '../../../component.js';
import { type Args, ArgumentError, UNSUPPORTED_SUFFIX, block } from '../../decode.js';
import type { Next, Pipeline, PipelineEntry, Stage, StageContext, StageDefinition } from './stage.js';
import { STAGES } from './stages.js';

const BY_NAME = new Map<string, StageDefinition>(STAGES.map((d) => [`stage.${d.name}`, d]));

function stageEntries(): ArgumentSchemaEntry[] {
    const entries: ArgumentSchemaEntry[] = [];
    for (const d of STAGES) {
        const nested: ArgumentSchemaEntry[] = [...(d.blocks ?? [])];
        const entry = block(`stage.${d.name}`, false, d.attributes, nested);
        // stage.match holds stages itself.
        if (d.name === 'match') entries.push({ ...entry, block: { ...entry.block!, blocks: entries } });
        else entries.push(entry);
    }
    return entries;
}

/** The `stage.*` block schema entries loki.process accepts (stage.match nests them all). */
export const STAGE_BLOCKS: readonly ArgumentSchemaEntry[] = stageEntries();

/** Refuses unsupported stages anywhere in the body (stage.match nests stages), naming each. */
export function checkStages(body: ArgumentBody, path = ''): void {
    for (const b of body.blocks) {
        if (!b.name.startsWith('stage.')) continue;
        const where = path === '' ? b.name : `${path} > ${b.name}`;
        if (!BY_NAME.has(b.name)) throw new ArgumentError(`block "${where}" ${UNSUPPORTED_SUFFIX}`);
        if (b.name === 'stage.match') checkStages(b.body, where);
    }
}

class StagePipeline implements Pipeline {
    /** The continuation of each stage, built once per terminal so timers can reuse it. */
    private chain: { terminal: Next; nexts: Next[] } | undefined;

    constructor(readonly stages: readonly Stage[]) {}

    private nexts(terminal: Next): Next[] {
        if (this.chain?.terminal === terminal) return this.chain.nexts;
        const nexts: Next[] = new Array<Next>(this.stages.length);
        for (let i = this.stages.length - 1; i >= 0; i--) {
            const after = i === this.stages.length - 1 ? terminal : nexts[i + 1];
            const stage = this.stages[i + 1];
            nexts[i] = stage === undefined ? terminal : (e: PipelineEntry) => stage.run(e, after);
        }
        this.chain = { terminal, nexts };
        return nexts;
    }

    run(e: PipelineEntry, next: Next): void {
        for (const [name, value] of e.labels) e.extracted.set(name, value);
        if (this.stages.length === 0) return next(e);
        this.stages[0].run(e, this.nexts(next)[0]);
    }

    pending(): number {
        let n = 0;
        for (const s of this.stages) n += s.pending?.() ?? 0;
        return n;
    }

    flush(next: Next): void {
        const nexts = this.nexts(next);
        this.stages.forEach((s, i) => s.flush?.(nexts[i]));
    }

    stop(): void {
        for (const s of this.stages) s.stop?.();
    }
}

/** Builds the pipeline of the `stage.*` blocks of `args`; errors read "invalid stage config <Alloy's message>". */
export function buildPipeline(args: Args, ctx: Omit<StageContext, 'pipeline'>): Pipeline {
    const full: StageContext = { ...ctx, pipeline: (nested) => buildPipeline(nested, ctx) };
    const seen = new Map<string, number>();
    const stages: Stage[] = [];
    for (const b of args.body.blocks) {
        const def = BY_NAME.get(b.name);
        if (def === undefined) continue;
        const k = seen.get(b.name) ?? 0;
        seen.set(b.name, k + 1);
        const stageArgs = args.blocks(b.name)[k];
        try {
            stages.push(def.build(stageArgs, full));
        } catch (e) {
            for (const s of stages) s.stop?.();
            if (e instanceof ArgumentError) throw e;
            throw new ArgumentError(`${[...stageArgs.path].join(' > ')}: invalid stage config ${(e as Error).message}`);
        }
    }
    return new StagePipeline(stages);
}
