@saltedge @trusted-beneficiaries
Feature: Trusted beneficiaries
  Salt Edge PSD2 Compliance API v2. Index fetches the trusted beneficiaries of a provider
  (provider_code in the request's data); Show fetches all data relevant to one: alias_name,
  identifiers, status and the rest. Both need the Access-Token.

  @SE-TB-INDEX-01
  Scenario: SE-TB-INDEX-01 The provider's trusted beneficiaries are listed
    Given an active Access-Token
    When the TPP lists the trusted beneficiaries of the provider
    Then the response status is 200
    And every trusted beneficiary listed belongs to the provider

  @SE-TB-INDEX-01
  Scenario: SE-TB-INDEX-01 A revoked Access-Token cannot list trusted beneficiaries anymore: TokenRevoked
    Given an Access-Token obtained through remote and confirm
    And that Access-Token has been revoked
    When the TPP lists the trusted beneficiaries of the provider
    Then the request is refused with HTTP 401 TokenRevoked

  @SE-TB-INDEX-02
  Scenario: SE-TB-INDEX-02 A provider that does not exist raises ProviderNotFound
    Given an active Access-Token
    When the TPP lists the trusted beneficiaries of provider "obconf_no_such_provider"
    Then the request is refused with HTTP 404 ProviderNotFound

  @SE-TB-SHOW-01
  Scenario: SE-TB-SHOW-01 A trusted beneficiary shows its alias_name, status, identifiers, provider and id
    Given an active Access-Token
    And the id of a trusted beneficiary listed for the provider
    When the TPP sends GET /trusted_beneficiaries/{beneficiary}
    Then the response status is 200
    And the JSON body has a non-empty "/data/alias_name"
    And the JSON body has a non-empty "/data/status"
    And the JSON body has a non-empty "/data/identifiers"
    And the JSON body has a non-empty "/data/provider_code"
    And the JSON body has a non-empty "/data/id"

  @SE-TB-SHOW-01
  Scenario: SE-TB-SHOW-01 A revoked Access-Token cannot show a trusted beneficiary anymore: TokenRevoked
    Given an Access-Token obtained through remote and confirm
    And the id of a trusted beneficiary listed for the provider
    And that Access-Token has been revoked
    When the TPP sends GET /trusted_beneficiaries/{beneficiary}
    Then the request is refused with HTTP 401 TokenRevoked

  @SE-TB-SHOW-02
  Scenario: SE-TB-SHOW-02 An id that does not exist raises TrustedBeneficiaryNotFound
    Given an active Access-Token
    And an id greater than that of every trusted beneficiary listed for the provider
    When the TPP sends GET /trusted_beneficiaries/{unknown-beneficiary}
    Then the request is refused with HTTP 404 TrustedBeneficiaryNotFound
