/** The integration tier: the real Pulumi engine and providers against the local sandbox. One suite, in band. */
module.exports = {
    rootDir: "../..",
    displayName: "integration",
    testEnvironment: "node",
    testMatch: ["<rootDir>/test/integration/**/*.test.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: { warnOnly: false } }] },
    testTimeout: 30 * 60 * 1000,
    maxWorkers: 1,
};
