@stet @cbpii
Feature: Funds confirmations
  STET PSD2 v1.4.2, POST /funds-confirmations (CBPII): the ASPSP answers with a structure embedding
  the original request and the result as a Boolean. It needs a client-credentials token of scope
  cbpii.

  @STET-CBPII-01 @capability:stet.cbpii
  Scenario: STET-CBPII-01 An amount the balance covers is confirmed
    Given the TPP with a client-credentials token of scope cbpii
    When the TPP asks whether 12.00 EUR are covered on CLAIRE's "positive-balance" account
    Then the response status is 200
    And the answer echoes the request and its result is true

  @STET-CBPII-01 @capability:stet.cbpii
  Scenario: STET-CBPII-01 An amount the balance does not cover is not confirmed
    Given the TPP with a client-credentials token of scope cbpii
    When the TPP asks whether 100.00 EUR are covered on LEA's "current" account
    Then the response status is 200
    And the answer echoes the request and its result is false

  @STET-CBPII-02 @capability:stet.cbpii
  Scenario: STET-CBPII-02 A token of scope aisp cannot ask for a funds confirmation
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP asks whether 12.00 EUR are covered on LEA's "savings" account
    Then the response status is 403
