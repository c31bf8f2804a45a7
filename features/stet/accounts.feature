@stet @aisp
Feature: Get the list of eligible payment accounts
  STET PSD2 v1.4.2 as published by BPCE / BTP Banque, "Get accounts list", acceptance tests.
  PSU context BY-AISP. The accounts are listed by GET /accounts with an OAuth2 token of scope aisp.

  @STET-AIS-ACC-01
  Scenario: STET-AIS-ACC-01 CLAIRE gets all her payment accounts
    Given the PSU persona CLAIRE with an access token of scope aisp
    And CLAIRE has forwarded her consent to balances and transactions on all her accounts
    When the TPP sends GET /accounts
    Then the response status is 200
    And the response lists 2 accounts

  @STET-AIS-ACC-02
  Scenario: STET-AIS-ACC-02 An access token whose scope is not aisp is refused
    Given the PSU persona LEA with an access token of scope pisp
    When the TPP sends GET /accounts
    Then the response status is 403

  @STET-AIS-ACC-03
  Scenario: STET-AIS-ACC-03 POST is not an allowed method on the accounts list
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP sends POST /accounts with the JSON body:
      """
      {}
      """
    Then the response status is 405
