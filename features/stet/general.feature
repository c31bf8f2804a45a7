@stet
Feature: Rules every STET endpoint follows
  STET PSD2 v1.4.2: the X-Request-ID correlation header, access-token errors ("Get your token",
  step 8), and the output media types.

  @STET-GEN-01
  Scenario: STET-GEN-01 The response carries the request's X-Request-ID
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP sends GET /accounts
    Then the response status is 200
    And the response carries the request's "X-Request-ID" header unchanged

  @STET-GEN-01
  Scenario: STET-GEN-01 An error response carries the request's X-Request-ID too
    Given the PSU persona LEA with an access token of scope pisp
    When the TPP sends GET /accounts
    Then the response status is 403
    And the response carries the request's "X-Request-ID" header unchanged

  @STET-GEN-03
  Scenario: STET-GEN-03 An expired access token is rejected with invalid_token
    Given the PSU persona LEA with an access token that has expired
    When the TPP sends GET /accounts
    Then the response status is 401
    And the response names the error invalid_token

  @STET-GEN-05
  Scenario: STET-GEN-05 An Accept the bank cannot serve is answered 406
    Given the PSU persona LEA with an access token of scope aisp
    And the next request carries the header "Accept: text/csv"
    When the TPP sends GET /accounts
    Then the response status is 406

  @STET-GEN-05
  Scenario: STET-GEN-05 Responses are hal+json or json in UTF-8
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP sends GET /accounts
    Then the response status is 200
    And the response content type is one of "application/hal+json; charset=utf-8", "application/json; charset=utf-8"

  @STET-GEN-06
  Scenario: STET-GEN-06 A request without an access token is unauthorised
    Given the request carries no access token
    When the TPP sends GET /accounts
    Then the response status is 401

  @STET-GEN-06
  Scenario: STET-GEN-06 An access token the bank never issued is unauthorised
    Given the request carries an access token the bank never issued
    When the TPP sends GET /accounts
    Then the response status is 401
