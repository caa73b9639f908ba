-- wrk script for bench/run.sh. Settings come from the environment:
--   BENCH_ACCOUNTS  file of "token<TAB>short-code" lines (from `admin load-test seed`)
--   BENCH_USE       how many of those accounts to spread the requests over (1 = one hot account)
--   BENCH_METHOD    GET or POST
--   BENCH_PATH      the path; for GET the account's short code is appended (e.g. /s/)
--   BENCH_BODY      JSON body for POST (sent with the account's token)
--   BENCH_EXPECT    the status that counts as a success (200, 302)
-- At the end it prints one line: RESULT requests=… rps=… p50_ms=… p99_ms=… expected=… other=… socket_errors=…
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  accounts = {}
  for line in io.lines(os.getenv("BENCH_ACCOUNTS")) do
    local token, code = line:match("^(%S+)\t(%S+)")
    if token then table.insert(accounts, { token = token, code = code }) end
  end
  use = math.min(tonumber(os.getenv("BENCH_USE") or "1"), #accounts)
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH") or "/healthz"
  body = os.getenv("BENCH_BODY")
  expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
  -- Threads start at different accounts so that "1,000 accounts" really interleaves them.
  i = (id - 1) * 7919
  expected = 0
  other = 0
end

function request()
  i = i + 1
  local a = accounts[(i % use) + 1]
  if method == "GET" then
    if path:sub(-1) == "/" then return wrk.format("GET", path .. a.code) end
    return wrk.format("GET", path)
  end
  return wrk.format("POST", path, { ["Authorization"] = "Bearer " .. a.token, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, response_body)
  if status == expect then
    expected = expected + 1
  else
    other = other + 1
    if other <= 2 then io.stderr:write("unexpected " .. status .. ": " .. (response_body or ""):sub(1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("expected")
    bad = bad + t:get("other")
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f expected=%d other=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    ok, bad, e.connect + e.read + e.write + e.timeout))
end
