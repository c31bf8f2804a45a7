@altareq @data-sharing
Feature: Bank Data Sharing
  The guide's "Bank Data Sharing": POST /par with a PS256 request object carrying one
  account-access consent (a fresh ConsentId, an expiry 10 minutes ahead) and a private_key_jwt
  client assertion; the PSU authorises as a model-bank test user; POST /token with the code and the
  PKCE verifier gives an access token bound to the consent. With that token, GET /balances,
  /transactions and /parties answer HTTP 200 with the consented accounts' data; with client
  credentials, GET /account-access-consents lists the consent as authorised.

  @ALT-DS-01
  Scenario: ALT-DS-01 PAR, the PSU's authorisation and the token give an access token bound to the consent
    Given an account-access consent with a fresh ConsentId, expiring 10 minutes ahead
    When the TPP pushes the authorization request with a fresh client assertion
    Then the bank answers the pushed authorization request with a request_uri
    When the PSU authorises the consent at the bank
    Then the callback carries a code, the TPP's state and the bank's issuer
    When the TPP redeems the code with the PKCE verifier
    Then the response status is 200
    And the token is a Bearer access token bound to the consent, which is Authorized

  @ALT-DS-02
  Scenario: ALT-DS-02 Balances, transactions and parties of the consented accounts
    Given the PSU authorised an account-access consent and the TPP holds its token
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token
    Then the response status is 200
    And every account listed is one the PSU shared
    When the TPP calls GET /account-information/v2.1/accounts/{account}/balances with the data-sharing token
    Then the response status is 200
    And the balances answered are those of the account
    When the TPP calls GET /account-information/v2.1/accounts/{account}/transactions with the data-sharing token
    Then the response status is 200
    And the transactions answered are those of the account
    When the TPP calls GET /account-information/v2.1/parties with the data-sharing token
    Then the response status is 200
    And the parties answer names a party
    When the TPP calls GET /account-information/v2.1/accounts/{account}/balances with the data-sharing token, asking for a signed answer
    Then the response status is 200
    And the answer is a JWT signed by the bank
    And the balances answered are those of the account

  @ALT-DS-02
  Scenario: ALT-DS-02 An account the PSU did not share is neither listed nor answered with the consent's token
    Given the PSU authorised an account-access consent sharing one of its accounts and the TPP holds its token
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token
    Then the response status is 200
    And the account the PSU did not share is not listed
    When the TPP calls GET /account-information/v2.1/accounts/{account}/balances with the data-sharing token
    Then the response status is 200
    When the TPP calls GET /account-information/v2.1/accounts/{unshared_account}/balances with the data-sharing token
    Then the bank refuses the call for an account the PSU did not share (HTTP 403 or 404) and returns no data
    When the TPP calls GET /account-information/v2.1/accounts/{unshared_account}/transactions with the data-sharing token
    Then the bank refuses the call for an account the PSU did not share (HTTP 403 or 404) and returns no data

  @ALT-DS-03
  Scenario: ALT-DS-03 The consent is listed with an authorised status
    Given the PSU authorised an account-access consent and the TPP holds its token
    When the TPP reads the consent with a client-credentials token
    Then the response status is 200
    And the consent is Authorized, with the permissions and the expiry asked for
    When the TPP lists the consents of its base consent id
    Then the response status is 200
    And the list holds the consent as Authorized
