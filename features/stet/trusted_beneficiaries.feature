@stet @aisp
Feature: Trusted beneficiaries
  STET PSD2 v1.4.2, GET /trusted-beneficiaries. The BPCE document says the online banking does not
  support the list: an entry point present without a result answers 501. A bank that supports it
  declares the capability stet.trusted-beneficiaries and answers with a list, or 204.

  @STET-AIS-TBN-01 @capability:stet.trusted-beneficiaries
  Scenario: STET-AIS-TBN-01 The trusted beneficiaries are listed
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP sends GET /trusted-beneficiaries
    Then the response status is 200 or 204

  @STET-AIS-TBN-01 @without:stet.trusted-beneficiaries
  Scenario: STET-AIS-TBN-01 Without the capability the entry point answers 501 Not Implemented
    Given the PSU persona LEA with an access token of scope aisp
    When the TPP sends GET /trusted-beneficiaries
    Then the response status is 501
