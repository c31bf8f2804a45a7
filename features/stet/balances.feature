@stet @aisp
Feature: Get the account balance
  STET PSD2 v1.4.2, "Get account balance", acceptance tests: the accounting balance ("CLBD") of an
  account the PSU consented to, found by its resourceId in GET /accounts.

  @STET-AIS-BAL-01
  Scenario: STET-AIS-BAL-01 LEA's accounting balance is negative
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 200
    And the accounting balance (CLBD) is negative

  @STET-AIS-BAL-02
  Scenario: STET-AIS-BAL-02 The balance of an unknown account is not found
    Given the PSU persona LEA with an access token of scope aisp
    And the unknown account CPT30014684067
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 404

  @STET-AIS-BAL-03
  Scenario: STET-AIS-BAL-03 An access token whose scope is not aisp cannot read a balance
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    And the PSU persona LEA with an access token of scope pisp
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 403

  @STET-AIS-BAL-04
  Scenario: STET-AIS-BAL-04 POST is not an allowed method on balances
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    When the TPP sends POST /accounts/{account}/balances with the JSON body:
      """
      {}
      """
    Then the response status is 405

  @STET-AIS-BAL-05
  Scenario: STET-AIS-BAL-05 CLAIRE's account FR7617515900000400358074026 has a null balance
    Given the PSU persona CLAIRE with an access token of scope aisp
    And CLAIRE has forwarded her consent to balances and transactions on all her accounts
    And CLAIRE's "zero-balance" account is found in the accounts list
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 200
    And the accounting balance (CLBD) is zero

  @STET-AIS-BAL-06
  Scenario: STET-AIS-BAL-06 CLAIRE's account FR7617515900000800358074006 has a positive balance
    Given the PSU persona CLAIRE with an access token of scope aisp
    And CLAIRE has forwarded her consent to balances and transactions on all her accounts
    And CLAIRE's "positive-balance" account is found in the accounts list
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 200
    And the accounting balance (CLBD) is positive
