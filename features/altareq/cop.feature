@altareq @cop
Feature: Confirmation of Payee
  The guide's "Confirmation of Payee": a client-credentials token (POST /token), POST /discovery
  for the payee's account (an IBAN that fails its check digits is refused), then POST /confirmation with the payee's name at the bank discovery
  names: the right name matches; a wrong one does not match (or matches partly), with the holder's
  name masked.

  @ALT-COP-01 @capability:altareq.cop
  Scenario: ALT-COP-01 Discovery locates the account; the right name matches and a wrong one does not
    Given the TPP holds a client-credentials token of scope confirmation-of-payee
    When the TPP asks the discovery endpoint about the payee's IBAN with wrong check digits
    Then the response status is 400
    When the TPP asks the discovery endpoint where the payee's account is held
    Then the response status is 200
    And the answer is a JWT signed by the bank
    And the discovery locates the account: a discovery endpoint URL and a resource server URL
    When the TPP gets a client-credentials token at the payee's bank
    And the TPP confirms the payee with the holder's name
    Then the response status is 200
    And the answer is a JWT signed by the bank
    And the name matches
    When the TPP confirms the payee with the wrong name
    Then the response status is 200
    And the name does not match, and the masked name is not the holder's
    When the TPP confirms the payee with the close name
    Then the response status is 200
    And the name matches or partly matches
