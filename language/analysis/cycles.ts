// Strongly connected components (Tarjan's algorithm, iterative so deep graphs
// cannot overflow the stack): every component with more than one node is a cycle.

export function findCycles<T>(nodes: readonly T[], successors: (node: T) => Iterable<T>): T[][] {
    const index = new Map<T, number>();
    const low = new Map<T, number>();
    const onStack = new Set<T>();
    const stack: T[] = [];
    const cycles: T[][] = [];
    let counter = 0;

    for (const start of nodes) {
        if (index.has(start)) continue;
        const work: Array<{ node: T; next: Iterator<T> }> = [];
        const enter = (node: T) => {
            index.set(node, counter);
            low.set(node, counter);
            counter++;
            stack.push(node);
            onStack.add(node);
            work.push({ node, next: successors(node)[Symbol.iterator]() });
        };
        enter(start);
        while (work.length) {
            const frame = work[work.length - 1];
            const step = frame.next.next();
            if (!step.done) {
                const succ = step.value;
                if (!index.has(succ)) enter(succ);
                else if (onStack.has(succ)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(succ)!));
                continue;
            }
            work.pop();
            if (work.length) {
                const parent = work[work.length - 1].node;
                low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
            }
            if (low.get(frame.node) === index.get(frame.node)) {
                const component: T[] = [];
                let member: T;
                do {
                    member = stack.pop()!;
                    onStack.delete(member);
                    component.push(member);
                } while (member !== frame.node);
                if (component.length > 1) cycles.push(component.reverse());
            }
        }
    }
    return cycles;
}
