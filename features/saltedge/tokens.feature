@saltedge @tokens
Feature: Tokens Show, and the errors every token-scoped call can raise
  Salt Edge PSD2 Compliance API v2, GET /api/v2/tokens: "Return current state of a token." The
  request carries App-Id, App-Secret, the Access-Token, and an Authorization JWT signed RS256 with
  the application's private key whose exp is greater than the current time. Each row of the
  "Related Errors" table is checked for its HTTP code AND its error class.

  @SE-TOKEN-SHOW-01
  Scenario: SE-TOKEN-SHOW-01 Tokens Show returns the token's scopes and when it expires
    Given an active Access-Token
    When the TPP sends GET /tokens
    Then the response status is 200
    And the JSON body has a non-empty "/data/scopes"
    And the JSON body has a non-empty "/data/access_token_expires_at"

  @SE-TOKEN-SHOW-02
  Scenario: SE-TOKEN-SHOW-02 Without the Access-Token header the request raises TokenMissing
    Given an active Access-Token
    And the next request carries no "Access-Token" header
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 400 TokenMissing

  @SE-TOKEN-SHOW-03
  Scenario: SE-TOKEN-SHOW-03 Without the Authorization header the request raises AuthorizationMissing
    Given an active Access-Token
    And the next request carries no "Authorization" header
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 401 AuthorizationMissing

  @SE-TOKEN-SHOW-04
  Scenario: SE-TOKEN-SHOW-04 A token that does not exist raises TokenNotFound
    Given the request carries an access token the bank never issued
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 401 TokenNotFound

  @SE-TOKEN-SHOW-05
  Scenario: SE-TOKEN-SHOW-05 A revoked token cannot be used anymore: TokenRevoked
    Given an Access-Token obtained through remote and confirm
    And that Access-Token has been revoked
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 401 TokenRevoked

  @SE-TOKEN-SHOW-06 @capability:sandbox.clock @serial
  Scenario: SE-TOKEN-SHOW-06 An expired token cannot be used: TokenExpired
    Given an Access-Token obtained through remote and confirm with consent_period_days 1
    And 2 days pass at the bank
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 401 TokenExpired

  @SE-TOKEN-SHOW-06
  Scenario: SE-TOKEN-SHOW-06 A token the bank issued that has since expired cannot be used: TokenExpired
    Given the Access-Token the target gives as already expired
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 401 TokenExpired

  @SE-TOKEN-SHOW-07
  Scenario: SE-TOKEN-SHOW-07 An App-Id that does not exist raises OauthAppNotFound
    Given an active Access-Token
    And the next request carries the header "App-Id: obconf-never-registered-app"
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 404 OauthAppNotFound

  @SE-TOKEN-SHOW-08 @capability:saltedge.certificate-permissions
  Scenario: SE-TOKEN-SHOW-08 An application whose certificate has no permissions raises CertificateNotFound
    Given an active Access-Token
    And the next request comes from the application whose certificate has no permissions
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 404 CertificateNotFound

  @SE-TOKEN-SHOW-09
  Scenario: SE-TOKEN-SHOW-09 A JWT whose exp is not greater than the current time is refused
    Given an active Access-Token
    And the next request's Authorization is a JWT whose exp is in the past
    When the TPP sends GET /tokens
    Then the request is refused with a 4xx and an error class

  @SE-TOKEN-SHOW-09
  Scenario: SE-TOKEN-SHOW-09 A JWT not signed with the application's private key is refused
    Given an active Access-Token
    And the next request's Authorization is a JWT signed with a key that is not the application's
    When the TPP sends GET /tokens
    Then the request is refused with a 4xx and an error class
