# R's forecast package on the same series and windows as the planner's
# accuracy study (main.go), for a side-by-side comparison of accuracy and
# speed. Run from the repository root with ../shared/data beside it:
#
#   Rscript notebooks/forecast-accuracy/peers.R ../shared/data notebooks/forecast-accuracy/peers [N] [sid,dh] [STORES]
#
# N limits each dataset to its first N series (R takes about two minutes
# per daily series here); the fourth argument picks the datasets, so the two
# can run as separate processes; STORES is how many of dunnhumby's stores
# (ids sorted as text) to take, 5 unless given. The study compares on the
# series R fitted.
#
# Writes <out>/sid_r.csv and <out>/dh_r.csv: one row per series, origin,
# model and step with the mean forecast, the 80% and 95% intervals and the
# seconds the fit took. Needs r-cran-forecast; the planner never needs R.
suppressMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
data <- if (length(args) >= 1) args[1] else "../shared/data"
out <- if (length(args) >= 2) args[2] else "notebooks/forecast-accuracy/peers"
limit <- if (length(args) >= 3) as.integer(args[3]) else .Machine$integer.max
only <- if (length(args) >= 4) strsplit(args[4], ",")[[1]] else c("sid", "dh")
nstores <- if (length(args) >= 5) as.integer(args[5]) else 5
dir.create(out, showWarnings = FALSE, recursive = TRUE)

fits <- list(
  ets = function(x) ets(x),
  arima = function(x) auto.arima(x),
  theta = function(x) NULL # thetaf fits and forecasts in one call
)

run <- function(name, keys, series, freq, h, windows, window, file, models = c("ets", "arima", "theta"), xregs = NULL) {
  rows <- list()
  series <- head(series, limit)
  for (k in seq_along(series)) {
    y <- series[[k]]
    n <- length(y)
    for (w in windows:1) {
      origin <- n - w * h
      if (origin < 2 * h) next
      train <- y[max(1, origin - window + 1):origin]
      x <- ts(train, frequency = freq)
      for (m in models) {
        t0 <- proc.time()[["elapsed"]]
        fc <- tryCatch({
          if (m == "theta") thetaf(x, h = h, level = c(80, 95))
          else if (m == "arima_xreg") {
            # The drivers of the forecast days are known (a plan).
            xr <- xregs[[k]]
            past <- xr[max(1, origin - window + 1):origin, , drop = FALSE]
            fit <- auto.arima(x, xreg = past)
            forecast(fit, xreg = xr[(origin + 1):(origin + h), , drop = FALSE], h = h, level = c(80, 95))
          }
          else forecast(fits[[m]](x), h = h, level = c(80, 95))
        }, error = function(e) NULL)
        secs <- proc.time()[["elapsed"]] - t0
        if (is.null(fc)) next
        rows[[length(rows) + 1]] <- data.frame(
          dataset = name, sku = keys$sku[k], location = keys$location[k], origin = origin, model = m,
          step = 1:h, mean = as.numeric(fc$mean), lo80 = as.numeric(fc$lower[, 1]), hi80 = as.numeric(fc$upper[, 1]),
          lo95 = as.numeric(fc$lower[, 2]), hi95 = as.numeric(fc$upper[, 2]), seconds = secs)
      }
    }
    cat(sprintf("%s: %d/%d series\n", name, k, length(series)))
  }
  write.csv(do.call(rbind, rows), file, row.names = FALSE)
}

if ("sid" %in% only) {
# Store Item Demand: stores 1-10, items 1-5; daily, 13 windows of 28 days, fits on 1,095 days.
d <- read.csv(gzfile(file.path(data, "store-item-demand", "train.csv.gz")))
d <- d[d$store <= 10 & d$item <= 5, ]
d <- d[order(as.character(d$item), as.character(d$store), d$date), ]
keys <- unique(d[, c("item", "store")])
keys <- keys[order(as.character(keys$item), as.character(keys$store)), ]
series <- lapply(seq_len(nrow(keys)), function(i) d$sales[d$item == keys$item[i] & d$store == keys$store[i]])
run("sid", data.frame(sku = keys$item, location = keys$store), series, 7, 28, 13, 1095, file.path(out, "sid_r.csv"))
}

if ("dh" %in% only) {
# dunnhumby: the series of the first nstores stores (ids sorted as text), weekly with missing weeks as zeros,
# from the first week with sales; 4 windows of 13 weeks, all history.
t <- read.csv(gzfile(file.path(data, "dunnhumby", "transaction.csv.gz")))
t$week_end_date <- as.Date(t$week_end_date)
weeks <- sort(unique(t$week_end_date))
stores <- head(sort(unique(as.character(t$store_id))), nstores)
t <- t[as.character(t$store_id) %in% stores, ]
keys <- unique(t[, c("upc_id", "store_id")])
keys <- keys[order(as.character(keys$upc_id), as.character(keys$store_id)), ]
series <- lapply(seq_len(nrow(keys)), function(i) {
  s <- t[t$upc_id == keys$upc_id[i] & t$store_id == keys$store_id[i], ]
  y <- rep(0, length(weeks))
  y[match(s$week_end_date, weeks)] <- s$units
  y[min(which(y != 0)):length(y)]
})
run("dh", data.frame(sku = keys$upc_id, location = keys$store_id), series, 52, 13, 4, 156, file.path(out, "dh_r.csv"))
}

if (any(c("ross", "rossx") %in% only)) {
# Rossmann: the stores whose number divides by 9, units = round(Sales / 10), every day from the store's first
# sale to the chain's last day (days without a row, the refits, are zeros); 4 windows of 28 days, all history.
# "ross" fits ets, auto.arima and thetaf without drivers; "rossx" auto.arima with the promotion flag known ahead.
d <- read.csv(gzfile(file.path(data, "rossmann", "train.csv.gz")))
d$Date <- as.Date(d$Date)
last <- max(d$Date)
d <- d[d$Store %% 9 == 0, ]
stores <- sort(unique(as.character(d$Store)))
series <- list()
promos <- list()
for (st in stores) {
  s <- d[as.character(d$Store) == st, ]
  days <- seq(min(s$Date), last, by = 1)
  y <- rep(0, length(days))
  y[match(s$Date, days)] <- round(s$Sales / 10)
  pr <- rep(0, length(days))
  pr[match(s$Date, days)] <- s$Promo
  first <- min(which(y != 0))
  series[[length(series) + 1]] <- y[first:length(y)]
  promos[[length(promos) + 1]] <- matrix(pr[first:length(pr)], ncol = 1, dimnames = list(NULL, "promo"))
}
keys <- data.frame(sku = stores, location = stores)
if ("ross" %in% only) run("ross", keys, series, 7, 28, 4, 100000, file.path(out, "ross_r.csv"))
if ("rossx" %in% only) run("rossx", keys, series, 7, 28, 4, 100000, file.path(out, "rossx_r.csv"), models = "arima_xreg", xregs = promos)
}
