package workday

// ErrorMessage exposes the reading of Workday's error bodies to the tests.
var ErrorMessage = errorMessage
