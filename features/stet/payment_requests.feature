@stet @pisp
Feature: Payment requests and their confirmation
  STET PSD2 v1.4.2, payment-requests and payment-requests/{id}/o-confirmation (PISP): the TPP
  creates the request with a client-credentials token, the PSU approves it at the bank by redirect,
  the TPP retrieves it and confirms it with a JSON body ("Even though there is no parameter, a Json
  (void) body structure must be provided"). A request that cannot be confirmed answers 409.

  Background:
    Given the TPP with a client-credentials token of scope pisp
    When the TPP initiates a payment of 12.50 EUR from LEA to the creditor "Boulangerie Dupont"

  @STET-PISP-01 @capability:stet.pisp
  Scenario: STET-PISP-01 Create, approve, retrieve and confirm a payment request
    Then the response status is 201
    And the response gives the payment request's location and the link where the PSU approves it
    When the PSU approves the payment at the bank
    And the TPP retrieves the payment request
    Then the response status is 200
    When the TPP confirms the payment request with an empty JSON body
    Then the response status is 200
    And the payment request's status is ACSC

  @STET-PISP-02 @capability:stet.pisp
  Scenario: STET-PISP-02 A payment request already confirmed cannot be confirmed again
    When the PSU approves the payment at the bank
    And the TPP confirms the payment request with an empty JSON body
    Then the response status is 200
    When the TPP confirms the payment request with an empty JSON body
    Then the response status is 409

  @STET-PISP-02 @capability:stet.pisp
  Scenario: STET-PISP-02 A payment request the PSU has not approved yet cannot be confirmed
    Then the response status is 201
    When the TPP confirms the payment request with an empty JSON body
    Then the response status is 409

  @STET-PISP-02 @capability:stet.pisp
  Scenario: STET-PISP-02 A payment request the PSU refused cannot be confirmed
    Then the response status is 201
    When the PSU refuses the payment at the bank
    And the TPP confirms the payment request with an empty JSON body
    Then the response status is 409

  @STET-PISP-03 @capability:stet.pisp
  Scenario: STET-PISP-03 A confirmation without a JSON body is refused
    When the PSU approves the payment at the bank
    And the TPP confirms the payment request without a body
    Then the response status is 400
