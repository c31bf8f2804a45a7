@saltedge @tokens
Feature: Remote, Reconnect and Revoke
  Salt Edge PSD2 Compliance API v2. Remote initiates the process of authentication on behalf of the
  PSU and answers with a session_secret; consent_period_days cannot be greater than 90 days.
  Reconnect (deprecated) refreshes the current Access-Token through a new session. Revoke revokes
  an already existing and active access token.

  @SE-TOKEN-REMOTE-01
  Scenario: SE-TOKEN-REMOTE-01 Remote answers with a session_secret, and the session can be shown
    When the TPP initiates a remote authentication at the provider
    Then the response status is 200
    And the response carries a session_secret
    When the TPP sends GET /sessions/{session}
    Then the response status is 200
    And the session shown is the one created

  @SE-TOKEN-REMOTE-02
  Scenario: SE-TOKEN-REMOTE-02 Scopes that the provider or the application does not offer raise ScopesInvalid
    When the TPP initiates a remote authentication at the provider with the scopes "accounts, obconf_not_a_scope"
    Then the request is refused with HTTP 400 ScopesInvalid

  @SE-TOKEN-REMOTE-03
  Scenario: SE-TOKEN-REMOTE-03 A provider that does not exist raises ProviderNotFound
    When the TPP initiates a remote authentication at provider "obconf_no_such_provider"
    Then the request is refused with HTTP 404 ProviderNotFound

  @SE-TOKEN-REMOTE-04
  Scenario: SE-TOKEN-REMOTE-04 consent_period_days cannot be greater than 90 days
    When the TPP initiates a remote authentication at the provider with consent_period_days 91
    Then the request is refused with a 4xx and an error class

  @SE-TOKEN-REMOTE-05
  Scenario: SE-TOKEN-REMOTE-05 A provider that has not approved the TPP raises AccessDenied
    When the TPP initiates a remote authentication at the provider that has not approved the TPP
    Then the request is refused with HTTP 401 AccessDenied

  @SE-TOKEN-RECONNECT-01 @capability:saltedge.reconnect
  Scenario: SE-TOKEN-RECONNECT-01 Reconnect with the PSU's consent answers with a session_secret
    Given an Access-Token obtained through remote and confirm
    When the TPP sends POST /tokens/reconnect with the JSON body:
      """
      {"data": {"consent_approved": true}}
      """
    Then the response status is 200
    And the JSON body has a non-empty "/data/session_secret"

  @SE-TOKEN-REVOKE-01
  Scenario: SE-TOKEN-REVOKE-01 A revoked token is answered as revoked from then on
    Given an Access-Token obtained through remote and confirm
    When the TPP sends DELETE /tokens
    Then the response status is 200
    And the revocation answer carries data.revoked true and the Access-Token
    When the TPP sends GET /tokens
    Then the request is refused with HTTP 401 TokenRevoked
