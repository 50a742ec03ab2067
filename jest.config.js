/** Two fast tiers run by jest. The integration and openstack tiers have their own runners (see scripts/test.sh). */
const tsJest = ["ts-jest", { diagnostics: { warnOnly: false }, isolatedModules: false }];
// Mock-tier suites build whole clouds (hundreds of resources) in beforeAll; on a loaded 2-core CI runner that can
// take far longer than jest's 5 s default. Speed is measured by benchmarks, never by test timeouts.
module.exports = {
  testTimeout: 120000,
  projects: [
    { displayName: "unit", testEnvironment: "node", testMatch: ["<rootDir>/test/unit/**/*.test.ts"], transform: { "^.+\\.ts$": tsJest } },
    { displayName: "component", testEnvironment: "node", testMatch: ["<rootDir>/test/component/**/*.test.ts"], transform: { "^.+\\.ts$": tsJest } },
  ],
};
