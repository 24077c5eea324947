// ESLint flat config: typescript-eslint's type-checked rules, so that promises left floating
// (a request whose failure no code handles) are errors.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
    { ignores: ["dist/", "out/", "node_modules/", "eslint.config.mjs"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
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
        files: ["scripts/**/*.mjs"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: { globals: { process: "readonly", console: "readonly" } },
    },
);
