@stet @aisp
Feature: Transactions history, refusals
  STET PSD2 v1.4.2, "Get transactions history", acceptance table: unknown account, wrong scope,
  wrong method, a period out of bound, and an account with no transaction.

  @STET-AIS-TRX-02
  Scenario: STET-AIS-TRX-02 The history of an unknown account is not found
    Given the PSU persona LEA with an access token of scope aisp
    And the unknown account CPT30014684067
    When the TPP sends GET /accounts/{account}/transactions
    Then the response status is 404

  @STET-AIS-TRX-03
  Scenario: STET-AIS-TRX-03 An access token of scope pisp cannot read the history
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    And the PSU persona LEA with an access token of scope pisp
    When the TPP sends GET /accounts/{account}/transactions
    Then the response status is 403

  @STET-AIS-TRX-04
  Scenario: STET-AIS-TRX-04 POST is not an allowed method on transactions
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    When the TPP sends POST /accounts/{account}/transactions with the JSON body:
      """
      {}
      """
    Then the response status is 405

  @STET-AIS-TRX-09
  Scenario: STET-AIS-TRX-09 A dateFrom more than 62 days back is a period out of bound
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    When the TPP requests the transactions of that account with dateFrom 90 days ago
    Then the response status is 400

  @STET-AIS-TRX-11
  Scenario: STET-AIS-TRX-11 CLAIRE's account FR7617515900000400358074026 has no transaction
    Given the PSU persona CLAIRE with an access token of scope aisp
    And CLAIRE has forwarded her consent to balances and transactions on all her accounts
    And CLAIRE's "zero-balance" account is found in the accounts list
    When the TPP requests the transactions of that account
    Then the response status is 204
    And the response has no body
