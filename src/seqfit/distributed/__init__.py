"""seqfit on a cluster: :mod:`~seqfit.distributed.ray_data` runs the profile (and the runners)
on Ray Data. Nothing here is imported by ``import seqfit``; ray is imported only when used."""
