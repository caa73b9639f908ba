// The journeys run one at a time: each starts its own server(s) and a browser on a 2-core CI machine, and under that
// contention a sign-in or navigation could outlast Playwright's timeouts. The suite is slower but does not flake.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
