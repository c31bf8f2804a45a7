@stet @oauth
Feature: Get, refresh and revoke your token
  STET PSD2 v1.4.2 as BPCE publishes it: "Get your token", "Refresh your token", "Revoke the token".
  The PSU authorises the TPP at the bank (GET /authorize, the bank's login page), the bank redirects
  to the TPP's callback with a one-time code, and the TPP asks POST /token for the tokens WITHOUT the
  scope parameter. Refreshing gives new tokens and kills the old refresh token; revoking the refresh
  token kills the access token issued with it. Payment and funds-confirmation roles use client
  credentials. The token endpoint checks the client_id against the QWAC's authorisation number.

  @STET-OAUTH-01
  Scenario: STET-OAUTH-01 LEA authorises the TPP; the one-time code gives an access and a refresh token
    Given LEA authorised the TPP at the bank's login page for scope aisp, which redirected to the callback with a one-time code
    When the TPP redeems that code at the token endpoint, without a scope
    Then the response status is 200
    And the response carries a Bearer access token, and a refresh token
    When the requests carry the access token just issued
    And the TPP sends GET /accounts
    Then the response status is 200
    When the TPP redeems the same code at the token endpoint, without a scope
    Then the response status is 400
    And the response names the error invalid_grant

  @STET-OAUTH-02
  Scenario: STET-OAUTH-02 Refreshing gives a new access and refresh token; the previous refresh token dies
    Given LEA authorised the TPP at the bank's login page for scope aisp, which redirected to the callback with a one-time code
    When the TPP redeems that code at the token endpoint, without a scope
    Then the response carries a Bearer access token, and a refresh token
    When the TPP refreshes the token with its refresh token
    Then the response status is 200
    And the response carries a Bearer access token, and a refresh token
    When the requests carry the access token just issued
    And the TPP sends GET /accounts
    Then the response status is 200
    When the TPP refreshes the token with the previous refresh token
    Then the response status is 400

  @STET-OAUTH-03
  Scenario: STET-OAUTH-03 Revoking the refresh token revokes the access token issued with it
    Given LEA authorised the TPP at the bank's login page for scope aisp, which redirected to the callback with a one-time code
    When the TPP redeems that code at the token endpoint, without a scope
    Then the response carries a Bearer access token, and a refresh token
    When the TPP revokes the refresh token
    Then the response status is 200
    When the requests carry the access token just issued
    And the TPP sends GET /accounts
    Then the response status is 401
    When the TPP refreshes the token with its refresh token
    Then the response status is 400

  @STET-OAUTH-04 @capability:stet.mtls
  Scenario: STET-OAUTH-04 A client_id that is not the QWAC's authorisation number is refused
    When the TPP requests a client-credentials token of scope pisp as client_id PSDFR-ACPR-99999
    Then the request is refused (TLS handshake refused, or HTTP 400 or 401)

  @STET-OAUTH-04 @capability:stet.mtls
  Scenario: STET-OAUTH-04 A token request without the QWAC client certificate is refused
    When the TPP requests a client-credentials token of scope pisp without presenting its client certificate
    Then the request is refused (TLS handshake refused, or HTTP 400 or 401)

  @STET-OAUTH-05
  Scenario Outline: STET-OAUTH-05 Client credentials give a token of scope <scope>
    When the TPP requests a client-credentials token of scope <scope>
    Then the response status is 200
    And the response carries a Bearer access token of scope <scope> and no refresh token

    Examples:
      | scope |
      | pisp  |
      | cbpii |

  @STET-FALLBACK-01 @capability:stet.fallback
  Scenario: STET-FALLBACK-01 In fallback mode the token endpoint redirects to the online banking login
    When the TPP asks the token endpoint for a client-credentials token of scope aisp in fallback mode
    Then the response status is 302
    And the Location header leads to the bank's online banking login page
