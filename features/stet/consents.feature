@stet @aisp
Feature: Forward the customer's consent
  STET PSD2 v1.4.2, "Forward customer's consent": the mixed consent model. PUT /consents records,
  for one PSU, which accounts give access to balances and transactions, and whether the PSU's
  identity may be shared. Each PUT replaces the prior consent. Scenarios that leave a consent other
  than "everything" are @serial so that they never race with the others.

  @STET-AIS-CNS-01
  Scenario: STET-AIS-CNS-01 LEA's consent on her IBANs is recorded
    Given the PSU persona LEA with an access token of scope aisp
    When LEA's consent to balances and transactions on all her accounts is forwarded
    Then the response status is 201

  @STET-AIS-CNS-02
  Scenario: STET-AIS-CNS-02 An access token whose scope is not aisp cannot forward a consent
    Given the PSU persona LEA with an access token of scope pisp
    When LEA's consent to balances and transactions on all her accounts is forwarded
    Then the response status is 403

  @STET-AIS-CNS-03
  Scenario: STET-AIS-CNS-03 POST is not an allowed method on consents
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP sends POST /consents with the JSON body:
      """
      {}
      """
    Then the response status is 405

  @STET-AIS-CNS-04 @serial
  Scenario: STET-AIS-CNS-04 Without a consent the accounts are listed without balances or links
    Given the PSU persona GEORGES with an access token of scope aisp
    And GEORGES has revoked every account by forwarding a consent with no account
    When the TPP sends GET /accounts
    Then the response status is 200
    And every account is listed without a balance and without links to balances or transactions

  @STET-AIS-CNS-05
  Scenario: STET-AIS-CNS-05 After consent the account carries its balance and links
    Given the PSU persona MARC with an access token of scope aisp
    And MARC has forwarded his consent to balances, transactions and his identity
    When the TPP sends GET /accounts
    Then the response status is 200
    And MARC's "current" account carries its accounting balance (CLBD) and links to its balances and transactions
    And the accounts list links to the end-user identity

  @STET-AIS-CNS-05
  Scenario: STET-AIS-CNS-05 Without psuIdentity set to true the accounts list does not link to the end-user identity
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    When the TPP sends GET /accounts
    Then the response status is 200
    And the accounts list does not link to the end-user identity

  @STET-AIS-CNS-05 @serial
  Scenario: STET-AIS-CNS-05 An account the consent does not name carries no balance, and its balances and transactions stay closed
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And another of LEA's accounts than her "current" one is found in the accounts list
    When a consent to balances and transactions on LEA's "current" account only is forwarded
    Then the response status is 201
    When the TPP sends GET /accounts
    Then the response status is 200
    And LEA's "current" account carries its accounting balance (CLBD) and links to its balances and transactions
    And that other account is listed without a balance and without links to balances or transactions
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 403
    When the TPP sends GET /accounts/{account}/transactions
    Then the response status is 403

  @STET-AIS-CNS-06 @serial
  Scenario: STET-AIS-CNS-06 A consent with no account revokes access to balances and transactions
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    When a consent with no account at all is forwarded for LEA
    Then the response status is 201
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 403
    When the TPP sends GET /accounts/{account}/transactions
    Then the response status is 403

  @STET-AIS-CNS-07 @serial
  Scenario: STET-AIS-CNS-07 A new consent replaces the prior one: balances kept, transactions dropped
    Given the PSU persona LEA with an access token of scope aisp
    And LEA has forwarded her consent to balances and transactions on all her accounts
    And LEA's "current" account is found in the accounts list
    When a consent keeping balances and dropping transactions on LEA's "current" account is forwarded
    Then the response status is 201
    When the TPP sends GET /accounts/{account}/balances
    Then the response status is 200
    When the TPP sends GET /accounts/{account}/transactions
    Then the response status is 403
