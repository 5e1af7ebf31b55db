// `npm run package`: the self-contained .vsix for this machine's platform (server bundled), in
// <repo>/dist/ beside the server's wheel.
//
//   npm run package                      # this platform, e.g. dist/docs-daemon-linux-x64.vsix
//   npm run package -- --target darwin-arm64 --target win32-x64
//   npm run package -- --all             # every platform the bundle supports
//
// The Python that bundles (any 3.11+ with pip): DOCS_DAEMON_BUILD_PYTHON, else python3/python.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const EXTENSION = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.resolve(EXTENSION, "..", "..", "dist");
const ALL_TARGETS = ["linux-x64", "linux-arm64", "alpine-x64", "alpine-arm64", "darwin-x64", "darwin-arm64", "win32-x64", "win32-arm64"];

function hostTarget() {
    const os = process.platform === "linux" && fs.existsSync("/etc/alpine-release") ? "alpine" : process.platform;
    const target = `${os}-${process.arch}`;
    if (!ALL_TARGETS.includes(target)) {
        throw new Error(`no bundle for this platform (${target}); pass --target with one of ${ALL_TARGETS.join(", ")}`);
    }
    return target;
}

function buildPython() {
    const candidates = [process.env.DOCS_DAEMON_BUILD_PYTHON, "python3", "python"].filter(Boolean);
    for (const python of candidates) {
        const probe = spawnSync(python, ["-c", "import sys, pip; sys.exit(sys.version_info < (3, 11))"], { stdio: "ignore" });
        if (probe.status === 0) {
            return python;
        }
    }
    throw new Error(`bundling needs Python 3.11+ with pip: tried ${candidates.join(", ")} (set DOCS_DAEMON_BUILD_PYTHON)`);
}

function targets(args) {
    if (args.includes("--all")) {
        return ALL_TARGETS;
    }
    const chosen = args.flatMap((arg, index) => (arg === "--target" ? [args[index + 1]] : []));
    for (const target of chosen) {
        if (!ALL_TARGETS.includes(target)) {
            throw new Error(`unknown target ${target}; choose from ${ALL_TARGETS.join(", ")}`);
        }
    }
    return chosen.length > 0 ? chosen : [hostTarget()];
}

function run(program, args) {
    execFileSync(program, args, { cwd: EXTENSION, stdio: ["ignore", "inherit", "inherit"], shell: process.platform === "win32" });
}

const python = buildPython();
fs.mkdirSync(DIST, { recursive: true });
const vsce = path.join(EXTENSION, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
for (const target of targets(process.argv.slice(2))) {
    run(python, [path.join("scripts", "bundle_server.py"), "--target", target, "--dist", DIST]);
    const out = path.join(DIST, `docs-daemon-${target}.vsix`);
    // vsce's secret scan reads every packaged file; here that is thousands of files of PyPI
    // wheels and a database, which took minutes. The extension's own files are in version control.
    run(vsce, ["package", "--no-dependencies", "--allow-missing-repository", "--allow-package-all-secrets",
        "--target", target, "--out", out]);
    console.error(`[package] ${path.relative(process.cwd(), out)}: ${(fs.statSync(out).size / 1e6).toFixed(1)} MB`);
}
