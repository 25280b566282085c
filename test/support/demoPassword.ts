/** Every demo account's password in tests (the seeded templates and startTestPlatform). */
export const DEMO_PASSWORD = 'demo-password-for-tests';
