@saltedge @providers
Feature: Providers Index and Templates
  Salt Edge PSD2 Compliance API v2. The Providers Index returns all ASPSPs which have approved
  access for the TPP, per_page (1 to 1000, default 20) at a time from from_id, with meta.next_id;
  Templates returns the provider's payment templates. Both take App-Id and App-Secret only.

  @SE-PROV-INDEX-01
  Scenario: SE-PROV-INDEX-01 The index lists the providers with their code, status, scopes and authorization types
    When the TPP sends GET /providers
    Then the response status is 200
    And every provider listed has a code, a status, scopes and authorization_types
    And the response's meta carries next_id

  @SE-PROV-INDEX-01
  Scenario: SE-PROV-INDEX-01 The index lists only the ASPSPs which have approved access for the TPP
    When the TPP reads every page of the providers index
    Then the index lists the provider under test and not the provider that has not approved the TPP

  @SE-PROV-INDEX-02
  Scenario: SE-PROV-INDEX-02 One provider a page, following meta.next_id, visits every provider once in id order
    When the TPP walks the providers with per_page 1, from_id following meta.next_id
    Then every provider was visited once, one per page, in id order

  @SE-PROV-INDEX-03
  Scenario Outline: SE-PROV-INDEX-03 per_page outside 1 to 1000 is refused (<per_page>)
    When the TPP sends GET /providers?per_page=<per_page>
    Then the request is refused with a 4xx

    Examples:
      | per_page |
      | 0        |
      | 1001     |

  @SE-PROV-TPL-01
  Scenario: SE-PROV-TPL-01 The provider's payment templates come with their payment_attributes
    Given the provider under test
    When the TPP sends GET /providers/{provider}/templates
    Then the response status is 200
    And every template has payment_attributes

  @SE-PROV-TPL-02
  Scenario: SE-PROV-TPL-02 A provider that does not exist raises ProviderNotFound
    When the TPP sends GET /providers/obconf_no_such_provider/templates
    Then the request is refused with HTTP 404 ProviderNotFound
