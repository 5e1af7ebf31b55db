// Lint the extension sources (typed rules) and the end-to-end script (plain Node).
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
    { ignores: ["dist/**", "node_modules/**"] },
    {
        files: ["src/**/*.ts", "test/**/*.ts"],
        extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            "@typescript-eslint/no-floating-promises": "error",
            eqeqeq: ["error", "always", { null: "ignore" }],
        },
    },
    {
        // node:test's describe/test return promises the runner itself awaits.
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-floating-promises": "off" },
    },
    {
        files: ["**/*.mjs"],
        extends: [js.configs.recommended],
        languageOptions: { globals: { ...globals.node, ...globals.browser } },
    },
);
