@altareq @discovery
Feature: API discovery and TPP onboarding
  The AlTareq developer guide's "Important Notes / API Discovery": the TPP needs the resource server
  ({rs}), the issuer, the PAR, token and authorization endpoints and the JWKS URI, from its
  configuration or from the issuer's /.well-known/openid-configuration, and the JWKS must give at
  least one signing key. "TPP Onboarding": POST /tpp-registration over mutual TLS registers the
  TPP's client, which is then usable for PAR and token.

  @ALT-DISC-01
  Scenario: ALT-DISC-01 Every discovery value is present and the JWKS answers with a signing key
    When the TPP reads the issuer's discovery document
    Then the response status is 200
    And the discovery document names the issuer, and the authorization, PAR and token endpoints and the JWKS as https URLs
    When the TPP reads the bank's JWKS
    Then the response status is 200
    And the JWKS holds at least one RSA signing key of 2048 bits or more, with a kid

  @ALT-REG-01 @capability:altareq.registration
  Scenario: ALT-REG-01 The registered client is usable for PAR and token
    When the TPP registers at the registration endpoint
    Then the registration is accepted (HTTP 204, 200 or 201)
    When the TPP asks for a client-credentials token of scope "accounts openid"
    Then the response status is 200
    And the answer carries a Bearer access token
    When the TPP pushes an authorization request for an account-access consent
    Then the bank answers the pushed authorization request with a request_uri

  @ALT-REG-01 @capability:altareq.registration @capability:altareq.mtls
  Scenario: ALT-REG-01 Registration without the transport certificate is refused
    When the TPP registers at the registration endpoint without its client certificate
    Then the call is refused (TLS handshake refused, or HTTP 401) and returns no data
