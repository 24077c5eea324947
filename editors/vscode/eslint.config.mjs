// ESLint flat config: typescript-eslint's type-checked rules for the TypeScript sources, so that
// promises left floating (a request whose failure no code handles) are errors.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/", "out/", "node_modules/"] },
    js.configs.recommended,
    {
        files: ["**/*.ts"],
        extends: [...tseslint.configs.recommendedTypeChecked],
        languageOptions: {
            parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
        },
        rules: {
            "@typescript-eslint/no-floating-promises": [
                "error",
                {
                    // node:test runs the promises that test() returns.
                    allowForKnownSafeCalls: [
                        { from: "package", name: ["test", "describe"], package: "node:test" },
                    ],
                },
            ],
            "@typescript-eslint/no-misused-promises": "error",
            eqeqeq: "error",
        },
    },
    {
        files: ["**/*.mjs"],
        languageOptions: {
            globals: { process: "readonly", console: "readonly", URL: "readonly" },
        },
    },
);
