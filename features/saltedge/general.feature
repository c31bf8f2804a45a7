@saltedge
Feature: What every Salt Edge endpoint does
  Salt Edge PSD2 Compliance API v2: "Client-Request-Id: request identifier. If present, it will be
  returned within meta field in response."

  @SE-GEN-01
  Scenario: SE-GEN-01 The Client-Request-Id is returned within meta
    Given the next request carries the header "Client-Request-Id: 54"
    When the TPP sends GET /providers
    Then the response status is 200
    And the response's meta carries the request's Client-Request-Id

  @SE-GEN-01
  Scenario: SE-GEN-01 An error answer returns the Client-Request-Id within meta too
    Given the next request carries the header "Client-Request-Id: 4565"
    When the TPP sends GET /sessions/obconf-no-such-session
    Then the request is refused with HTTP 404 SessionNotFound
    And the response's meta carries the request's Client-Request-Id
