"""How the window starts: the plan (which cache, read ahead before Qt loads), the first frame, the loop's life."""
