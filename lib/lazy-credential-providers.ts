/**
 * Credential providers that @aws-sdk/credential-provider-node loads through import() only when no earlier
 * provider answers. In Lambda the environment provider always answers, so they are never reached (and the
 * runtime ships SDK v3 should one be): the bundles leave them out. Shared by the function factory and the
 * bundle benchmark, so both measure the same bundle.
 */
export const LAZY_CREDENTIAL_PROVIDERS = [
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/nested-clients',
  '@aws-sdk/token-providers',
];
