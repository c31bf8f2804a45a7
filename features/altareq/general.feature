@altareq @general
Feature: The FAPI interaction id
  Every request carries x-fapi-interaction-id (a UUID) and every answer echoes it, errors
  included; when a request carries none, the hub answers with one it generated.

  @ALT-GEN-01
  Scenario: ALT-GEN-01 The response echoes x-fapi-interaction-id, on success and on refusal
    Given the PSU authorised an account-access consent and the TPP holds its token
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token
    Then the response status is 200
    And the response carries the request's "x-fapi-interaction-id" header unchanged
    When the TPP calls GET /account-information/v2.1/accounts without a token
    Then the response status is 401
    And the response carries the request's "x-fapi-interaction-id" header unchanged
    When the TPP calls GET /account-information/v2.1/accounts with the data-sharing token and no x-fapi-interaction-id
    Then the response status is 200
    And the response carries an x-fapi-interaction-id that is a UUID
