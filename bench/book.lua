-- wrk script: POST /api/v1/bookings, a distinct booking body per request.
-- usage: wrk -s bench/book.lua ... URL -- BODIES_FILE THREADS
-- BODIES_FILE holds one JSON body a line (from gen_clinic.py --bodies), each
-- a distinct free (staff, start) slot. Thread i of n sends lines i, i+n,
-- i+2n, ... in order, so no two requests of the run ask for the same slot
-- until a thread runs out of lines and starts over (those then get 409).
-- Cookie and X-CSRF-Token come from wrk's -H options (wrk.headers).

local counter = 0

function setup(thread)
   thread:set("tid", counter)
   counter = counter + 1
end

function init(args)
   local path, n = args[1], tonumber(args[2] or "1")
   local i = 0
   bodies = {}
   for line in io.lines(path) do
      if i % n == tid and #line > 0 then
         bodies[#bodies + 1] = line
      end
      i = i + 1
   end
   if #bodies == 0 then
      error("no booking bodies for thread " .. tid .. " in " .. path)
   end
   pos = 0
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   pos = pos % #bodies + 1
   return wrk.format("POST", "/api/v1/bookings", nil, bodies[pos])
end
