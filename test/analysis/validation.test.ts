// Diagnostics Alloy reports when it loads a configuration, with its messages.

import { describe, expect, it } from 'vitest';
import { check } from './memory-host.js';

const errors = (text: string, extra?: Record<string, string>) => check(text, {}, extra).filter((d) => / error /.test(d));

describe('duplicates per block class', () => {
    it('reports the second definition with the position of the first', () => {
        expect(
            errors(`local.file "a" {
	filename = "/tmp/a"
}

local.file "a" {
	filename = "/tmp/b"
}

declare "x" { }
declare "x" { }

logging { }
logging { }

http { }
http { }
`),
        ).toEqual([
            'main.alloy:10:1 error duplicate-block: block declare.x already declared at main.alloy:9:1',
            'main.alloy:13:1 error duplicate-block: block logging already declared at main.alloy:12:1',
            'main.alloy:16:1 error duplicate-block: block http already declared at main.alloy:15:1',
            'main.alloy:5:1 error duplicate-block: block local.file.a already declared at main.alloy:1:1',
        ]);
    });

    it('keeps classes apart: a declare and a component may share an ID', () => {
        expect(errors('declare "x" { }\n\nx "x" { }\n')).toEqual([]);
    });

    it('reports duplicate arguments and exports inside a declare', () => {
        expect(errors('declare "m" {\n\targument "a" { }\n\targument "a" { }\n\n\texport "o" {\n\t\tvalue = 1\n\t}\n\n\texport "o" {\n\t\tvalue = 2\n\t}\n}\n')).toEqual([
            'main.alloy:3:2 error duplicate-block: block argument.a already declared at main.alloy:2:2',
            'main.alloy:9:2 error duplicate-block: block export.o already declared at main.alloy:5:2',
        ]);
    });
});

describe('component names and labels', () => {
    it('reports unknown components and missing labels', () => {
        expect(errors('local.missing "x" { }\n\nlocal.file { filename = "/x" }\n')).toEqual([
            'main.alloy:1:1 error unknown-component: cannot find the definition of component name "local.missing"',
            'main.alloy:3:1 error missing-label: component "local.file" must have a label',
        ]);
    });

    it('resolves custom components from declares, before or after their use', () => {
        expect(errors('use_me "x" { }\n\ndeclare "use_me" { }\n')).toEqual([]);
    });

    it("rejects 'declare' as a declare label and unlabelled declares", () => {
        expect(errors('declare "declare" { }\n\ndeclare { }\n')).toEqual([
            "main.alloy:1:1 error invalid-label: 'declare' is not a valid label for a declare block",
            'main.alloy:3:1 error missing-label: declare block must have a label',
        ]);
    });
});

describe('module placement', () => {
    it('keeps logging, tracing and services out of modules', () => {
        expect(errors('declare "m" {\n\tlogging { }\n\n\ttracing { }\n\n\thttp { }\n}\n')).toEqual([
            'main.alloy:2:2 error misplaced-statement: logging not allowed in module',
            'main.alloy:4:2 error misplaced-statement: tracing not allowed in module',
            'main.alloy:6:2 error misplaced-statement: http not allowed in module',
        ]);
    });

    it('keeps argument and export blocks inside modules', () => {
        expect(errors('argument "a" { }\n\nexport "b" {\n\tvalue = 1\n}\n')).toEqual([
            'main.alloy:1:1 error misplaced-statement: argument blocks only allowed inside a module',
            'main.alloy:3:1 error misplaced-statement: export blocks only allowed inside a module',
        ]);
    });

    it('allows only declare and import blocks in imported content', () => {
        expect(
            errors('import.file "lib" {\n\tfilename = "lib.alloy"\n}\n', {
                'lib.alloy': 'declare "ok" { }\n\nlocal.file "no" {\n\tfilename = "/x"\n}\n\nx = 1\n',
            }),
        ).toEqual([
            'lib.alloy:3:1 error misplaced-statement: only declare and import blocks are allowed in a module, got local.file',
            'lib.alloy:7:1 error misplaced-statement: only declare and import blocks are allowed in a module',
        ]);
    });
});

describe('references', () => {
    it('reports references to missing components and fields with the whole chain', () => {
        expect(errors('prometheus.relabel "a" {\n\tforward_to = [prometheus.remote_write.nope.receiver]\n}\n')).toEqual([
            'main.alloy:2:16 error unknown-reference: component "prometheus.remote_write.nope.receiver" does not exist or is out of scope',
        ]);
    });

    it('keeps the components of the enclosing module out of a declare', () => {
        expect(
            errors('local.file "outer" {\n\tfilename = "/x"\n}\n\ndeclare "m" {\n\texport "o" {\n\t\tvalue = local.file.outer.content\n\t}\n}\n'),
        ).toEqual(['main.alloy:7:11 error unknown-reference: component "local.file.outer.content" does not exist or is out of scope']);
    });

    it('resolves arguments inside a declare and reports unknown ones', () => {
        expect(errors('declare "m" {\n\targument "a" { }\n\n\texport "o" {\n\t\tvalue = [argument.a.value, argument.b.value]\n\t}\n}\n')).toEqual([
            'main.alloy:5:30 error unknown-reference: component "argument.b.value" does not exist or is out of scope',
        ]);
    });

    it('accepts stdlib names, module_path and foreach variables', () => {
        expect(
            errors(
                'foreach "f" {\n\tcollection = [1, 2]\n\tvar        = "each"\n\n\ttemplate {\n\t\tlocal.file "x" {\n\t\t\tfilename = string.format("/tmp/%d", each) + sys.env("HOME") + module_path\n\t\t}\n\t}\n}\n',
            ),
        ).toEqual([]);
    });
});

describe('cycles', () => {
    it('reports every node of a cycle and self references', () => {
        expect(
            errors(`prometheus.relabel "a" {
	forward_to = [prometheus.relabel.b.receiver]
}

prometheus.relabel "b" {
	forward_to = [prometheus.relabel.a.receiver]
}

prometheus.relabel "self" {
	forward_to = [prometheus.relabel.self.receiver]
}
`),
        ).toEqual([
            'main.alloy:1:1 error cycle: cycle detected: prometheus.relabel.a, prometheus.relabel.b',
            'main.alloy:5:1 error cycle: cycle detected: prometheus.relabel.a, prometheus.relabel.b',
            'main.alloy:9:1 error cycle: cannot reference self',
        ]);
    });
});

describe('custom component arguments', () => {
    it('reports missing required and unknown arguments', () => {
        expect(
            errors('declare "m" {\n\targument "needed" { }\n\n\targument "maybe" {\n\t\toptional = true\n\t}\n}\n\nm "x" {\n\tunknown = 1\n}\n'),
        ).toEqual([
            'main.alloy:10:2 error unknown-argument: unrecognized attribute name "unknown"',
            'main.alloy:9:1 error missing-argument: missing required attribute "needed"',
        ]);
    });
});

describe('built-in component bodies', () => {
    it('reports unknown and missing attributes and blocks as errors, in the decoder\'s words (the catalog comes from the Go structs)', () => {
        expect(check('prometheus.remote_write "w" {\n\tendpoint {\n\t\tbogus = 1\n\t}\n\n\tnot_a_block { }\n}\n')).toEqual([
            'main.alloy:2:2 error missing-attribute: missing required attribute "url"',
            'main.alloy:3:3 error unknown-attribute: unrecognized attribute name "bogus"',
            'main.alloy:6:2 error unknown-block: unrecognized block name "not_a_block"',
        ]);
    });

    it('a block given twice where the struct holds one, and label rules per block', () => {
        expect(
            errors('prometheus.remote_write "w" {\n\tendpoint {\n\t\turl = "http://a"\n\t}\n\tendpoint {\n\t\turl = "http://b"\n\t}\n\twal { }\n\twal { }\n}\n'),
        ).toEqual(['main.alloy:9:2 error duplicate-block: block "wal" may only be specified once']);
        expect(errors('prometheus.exporter.snmp "s" {\n\ttarget {\n\t\taddress = "a"\n\t}\n\twalk_param "w" { }\n\tconfig_file = "snmp.yml"\n}\n')).toEqual([
            'main.alloy:2:2 error missing-label: block "target" requires non-empty label',
        ]);
        expect(errors('prometheus.remote_write "w" {\n\tendpoint "e" {\n\t\turl = "http://a"\n\t}\n}\n')).toEqual([
            'main.alloy:2:2 error invalid-label: block "endpoint" does not support specifying labels',
        ]);
    });

    it('Agent Flow bodies are checked against its docs-derived catalog: warnings', () => {
        const river = check('prometheus.remote_write "w" {\n\tendpoint {\n\t\tbogus = 1\n\t}\n}\n', { dialect: 'river' });
        expect(river).toContain('main.alloy:3:3 warning unknown-attribute: unrecognized attribute name "bogus"');
    });

    it('reports values whose type is certainly wrong', () => {
        expect(errors('local.file "a" {\n\tfilename = true\n}\n')).toEqual(['main.alloy:2:13 error type-mismatch: true should be string, got bool']);
    });

    it('accepts numbers where strings are expected, as Alloy converts them', () => {
        expect(errors('local.file "a" {\n\tfilename = 1\n}\n')).toEqual([]);
    });
});

describe('stdlib', () => {
    it('warns about deprecated stdlib names and offers the new name', () => {
        const all = check('local.file "a" {\n\tfilename = env("HOME")\n}\n');
        expect(all).toEqual(['main.alloy:2:13 warning deprecated-stdlib: this stdlib function is deprecated; please refer to the documentation for updated usage and alternatives']);
    });

    it('reports evaluation errors that are certain', () => {
        expect(errors('local.file "a" {\n\tfilename = "x" - 1\n}\n')[0]).toBe('main.alloy:2:13 error evaluation: "x" should be one of [number] for binop -, got string');
    });

    it('warns where a reference to a component shadows a stdlib name', () => {
        const text = 'declare "string" {\n\texport "out" {\n\t\tvalue = "/x"\n\t}\n}\n\nstring "x" { }\n\nlocal.file "f" {\n\tfilename = string.x.out\n}\n';
        expect(check(text)).toEqual(['main.alloy:10:13 warning shadowed-namespace: a component is shadowing an existing stdlib name']);
    });

    it('warns about an unknown component name in an unknown namespace, and errs for a known one', () => {
        expect(check('mystery.thing "x" { }\n\nprometheus.scrapee "y" { }\n')).toEqual([
            'main.alloy:1:1 warning unknown-component: cannot find the definition of component name "mystery.thing"',
            'main.alloy:3:1 error unknown-component: cannot find the definition of component name "prometheus.scrapee"',
        ]);
    });
});

describe('stability and community gating', () => {
    it('reports features below the configured stability level', () => {
        const text = 'foreach "f" {\n\tcollection = []\n\tvar        = "x"\n\n\ttemplate { }\n}\n';
        expect(check(text)).toEqual([]);
        expect(check(text, { stabilityLevel: 'generally-available' })).toEqual([
            'main.alloy:1:1 error stability: config block "foreach" is at stability level "experimental", which is below the minimum allowed stability level "generally-available". Use --stability.level command-line flag to enable "experimental" features',
        ]);
    });
});
