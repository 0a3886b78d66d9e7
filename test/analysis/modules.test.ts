// Loading modules: import.file (files, directories, relative paths,
// module_path), import.string, remote imports, Agent Flow module.file, and the
// instance tree with global IDs.

import { describe, expect, it } from 'vitest';
import { analyze, check, describe as describeDiagnostics } from './memory-host.js';

const ids = (files: Record<string, string>, main = 'main.alloy') => analyze(files, {}, main).analysis.instances.nodes.map((n) => n.globalId);

describe('imports', () => {
    it('loads import.file relative to the importing file and checks the module', () => {
        const files = {
            'main.alloy': 'import.file "lib" {\n\tfilename = "modules/lib.alloy"\n}\n\nlib.double "x" {\n\tin = 2\n}\n',
            'modules/lib.alloy': 'declare "double" {\n\targument "in" { }\n\n\texport "out" {\n\t\tvalue = argument.in.value * 2\n\t}\n}\n',
        };
        expect(check(files['main.alloy'], {}, { 'modules/lib.alloy': files['modules/lib.alloy'] })).toEqual([]);
        expect(ids(files)).toEqual(['import.file.lib', 'lib.double.x', 'lib.double.x/argument.in', 'lib.double.x/export.out']);
    });

    it('loads a directory as one module and module_path points at it', () => {
        const files = {
            'main.alloy': 'import.file "lib" {\n\tfilename = "mods"\n}\n\nlib.a "x" { }\n\nlib.b "y" { }\n',
            'mods/a.alloy': 'declare "a" { }\n',
            'mods/b.alloy': 'import.file "inner" {\n\tfilename = file.path_join(module_path, "inner/c.alloy")\n}\n\ndeclare "b" {\n\tinner.c "z" { }\n}\n',
            'mods/inner/c.alloy': 'declare "c" { }\n',
        };
        const { analysis, host } = analyze(files, {}, 'main.alloy');
        expect(describeDiagnostics(analysis, host)).toEqual([]);
        expect(analysis.instances.nodes.map((n) => n.globalId)).toContain('lib.b.y/inner.c.z');
    });

    it('says when an imported file is missing, without an error', () => {
        expect(check('import.file "lib" {\n\tfilename = "nope.alloy"\n}\n\nlib.x "y" { }\n')).toEqual([
            'main.alloy:1:1 information module-not-found: module file "nope.alloy" not found (looked for /cfg/nope.alloy); its components are not checked',
        ]);
    });

    it('reports an import cycle between files', () => {
        const out = check('import.file "a" {\n\tfilename = "a.alloy"\n}\n', {}, {
            'a.alloy': 'import.file "b" {\n\tfilename = "b.alloy"\n}\n',
            'b.alloy': 'import.file "a" {\n\tfilename = "a.alloy"\n}\n',
        });
        expect(out).toEqual(['b.alloy:1:1 error import-cycle: import cycle: a.alloy → b.alloy → a.alloy']);
    });

    it('does not fetch import.git and import.http, and says so', () => {
        expect(check('import.http "mods" {\n\turl = "http://example.com/m.alloy"\n}\n\nmods.x "y" { }\n')).toEqual([
            'main.alloy:1:1 information module-not-resolved: import.http "mods" is fetched by Alloy at run time; flowlens does not fetch it, so its components are not checked',
        ]);
    });

    it('checks import.string content and maps positions into the string', () => {
        expect(check('import.string "s" {\n\tcontent = `declare "d" {\n\t\tlocal.nope "x" { }\n\t}`\n}\n\ns.d "i" { }\n')).toEqual([
            'main.alloy:3:3 error unknown-component: cannot find the definition of component name "local.nope"',
        ]);
    });

    it('keeps root declares out of imported content and nested imports out of the root', () => {
        expect(
            check('declare "hidden" { }\n\nimport.string "lib" {\n\tcontent = `declare "a" {\n\t\thidden "x" { }\n\t}`\n}\n\nlib.a "y" { }\n\nlib.hidden "z" { }\n').filter((d) => / error /.test(d)),
        ).toEqual([
            'main.alloy:11:1 error unknown-component: Failed to build component: loading custom component controller: custom component config not found in the registry, namespace: "lib", componentName: "hidden"',
            'main.alloy:5:3 error unknown-component: cannot find the definition of component name "hidden"',
        ]);
    });

    it('survives modules nested 100 deep', () => {
        const files: Record<string, string> = { 'main.alloy': 'import.file "m0" {\n\tfilename = "m0.alloy"\n}\n\nm0.d "x" { }\n' };
        for (let i = 0; i < 100; i++) {
            files[`m${i}.alloy`] = `import.file "m${i + 1}" {\n\tfilename = "m${i + 1}.alloy"\n}\n\ndeclare "d" {\n\tm${i + 1}.d "x" { }\n}\n`;
        }
        files['m100.alloy'] = 'declare "d" { }\n';
        const { analysis } = analyze(files, {}, 'main.alloy');
        expect(analysis.diagnostics.every((d) => d.severity !== 'error' || d.code === 'module-too-deep')).toBe(true);
    });
});

describe('Agent Flow modules (.river)', () => {
    it('loads module.file with arguments and exports', () => {
        const files = {
            'main.river': 'module.file "m" {\n\tfilename = "mod.river"\n\n\targuments {\n\t\tinput = 1\n\t}\n}\n\nlocal.file "x" {\n\tfilename = module.file.m.exports.path\n}\n',
            'mod.river': 'argument "input" { }\n\nexport "path" {\n\tvalue = "/tmp/" + argument.input.value\n}\n',
        };
        const { analysis, host } = analyze(files, {}, 'main.river');
        expect(describeDiagnostics(analysis, host)).toEqual([]);
        expect(analysis.instances.nodes.map((n) => n.globalId)).toEqual([
            'module.file.m',
            'local.file.x',
            'module.file.m/argument.input',
            'module.file.m/export.path',
        ]);
    });

    it('reports missing and undefined module arguments', () => {
        const out = check('', {}, {});
        expect(out).toEqual([]);
        const files = {
            'main.river': 'module.file "m" {\n\tfilename = "mod.river"\n\n\targuments {\n\t\textra = 1\n\t}\n}\n',
            'mod.river': 'argument "input" { }\n',
        };
        const { analysis, host } = analyze(files, {}, 'main.river');
        expect(describeDiagnostics(analysis, host)).toEqual([
            'main.river:1:1 error missing-argument: missing required argument "input" to module',
            'main.river:5:3 error unknown-argument: Provided argument "extra" is not defined in the module',
        ]);
    });
});

describe('global IDs', () => {
    it('joins controller IDs with / through three levels of nesting', () => {
        const text = `declare "inner" {
	local.file "f" {
		filename = "/x"
	}
}

declare "middle" {
	inner "i" { }
}

declare "outer" {
	middle "m" { }
}

outer "o" { }
`;
        expect(ids({ 'main.alloy': text })).toEqual(['outer.o', 'outer.o/middle.m', 'outer.o/middle.m/inner.i', 'outer.o/middle.m/inner.i/local.file.f']);
    });
});
