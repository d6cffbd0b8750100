-- wrk script for http_vs_reference.py: every request POSTs one fixed body to a random existing
-- group, /metrics/job/bench/instance/<0..groups-1>.
--
--   wrk -t1 -c16 -d12s --timeout 60s -s bench/http_push.lua http://127.0.0.1:PORT -- GROUPS BODY_FILE [SEED [CONTENT_TYPE]]
--
-- The body is sent byte for byte as read (it may be binary) with CONTENT_TYPE, text format
-- 0.0.4 by default; the protobuf row passes a delimited protobuf body and
-- "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited".
--
-- Every response is counted by status (200 is a checked push that was stored). At the end one
-- line is printed for the script to parse:
--   QPGW_RESULT requests=... duration_us=... ok200=... other=... <wrk's error counts> p50_us=...
-- and, if any answer was not 200, QPGW_FIRST_OTHER with its status and body.

local threads = {}

function setup(thread)
    thread:set("thread_id", #threads)
    table.insert(threads, thread)
end

function init(args)
    groups = tonumber(args[1])
    local file = assert(io.open(args[2], "rb"))
    body = file:read("*a")
    file:close()
    math.randomseed((tonumber(args[3]) or 1) * 1000003 + thread_id * 7919)
    local content_type = args[4]
    if content_type == nil or content_type == "" then
        content_type = "text/plain; version=0.0.4; charset=utf-8"
    end
    headers = {["Content-Type"] = content_type}
    ok200 = 0
    other = 0
    first_other = ""
end

function request()
    return wrk.format("POST", "/metrics/job/bench/instance/" .. math.random(0, groups - 1), headers, body)
end

function response(status, _, response_body)
    if status == 200 then
        ok200 = ok200 + 1
    else
        other = other + 1
        if first_other == "" then
            first_other = tostring(status) .. " " .. string.sub(response_body or "", 1, 300)
        end
    end
end

function done(summary, latency, _)
    local ok, bad, first = 0, 0, ""
    for _, thread in ipairs(threads) do
        ok = ok + thread:get("ok200")
        bad = bad + thread:get("other")
        local f = thread:get("first_other")
        if first == "" and f ~= nil then
            first = f
        end
    end
    local e = summary.errors
    io.write(string.format(
        "QPGW_RESULT requests=%d duration_us=%d ok200=%d other=%d connect_errors=%d read_errors=%d"
            .. " write_errors=%d status_errors=%d timeouts=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
        summary.requests, summary.duration, ok, bad, e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
    if first ~= "" then
        io.write("QPGW_FIRST_OTHER " .. string.gsub(first, "%s+", " ") .. "\n")
    end
end
