@stet @aisp
Feature: Get the PSU's identity
  STET PSD2 v1.4.2, "Get PSU's identity", acceptance tests: the identity is given only when the PSU
  set psuIdentity to true in PUT /consents.

  @STET-AIS-IDN-01 @capability:stet.end-user-identity
  Scenario: STET-AIS-IDN-01 Marc (D0999990I0) consented: his identity is returned
    Given the PSU persona MARC with an access token of scope aisp
    And MARC has forwarded his consent to balances, transactions and his identity
    When the TPP sends GET /end-user-identity
    Then the response status is 200
    And the JSON body has a non-empty "/connectedPsu"

  @STET-AIS-IDN-02 @capability:stet.end-user-identity
  Scenario: STET-AIS-IDN-02 Tech'n Co (D0999993I0) did not consent: access is denied
    Given the PSU persona TECHNCO with an access token of scope aisp
    And TECHNCO has forwarded its consent to balances and transactions on all its accounts
    When the TPP sends GET /end-user-identity
    Then the response status is 403
