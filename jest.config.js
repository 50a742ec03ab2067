/** Two fast tiers run by jest. The integration and openstack tiers have their own runners (see scripts/test.sh). */
const tsJest = ["ts-jest", { diagnostics: { warnOnly: false }, isolatedModules: false }];
module.exports = {
  projects: [
    { displayName: "unit", testEnvironment: "node", testMatch: ["<rootDir>/test/unit/**/*.test.ts"], transform: { "^.+\\.ts$": tsJest } },
    { displayName: "component", testEnvironment: "node", testMatch: ["<rootDir>/test/component/**/*.test.ts"], transform: { "^.+\\.ts$": tsJest } },
  ],
};
